privdocSearchShard("q",{"quality":[3,1,3]});
