privdocSearchShard("2",{"2026":[1,3]});
