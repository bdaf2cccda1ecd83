privdocSearchShard("y",{"your":[4]});
