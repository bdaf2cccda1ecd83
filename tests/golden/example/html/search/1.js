privdocSearchShard("1",{"180":[2,1,2]});
