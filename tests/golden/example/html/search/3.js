privdocSearchShard("3",{"365":[0,3,7]});
