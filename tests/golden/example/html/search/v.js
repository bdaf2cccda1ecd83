privdocSearchShard("v",{"version":[3],"versions":[3],"voice":[3]});
