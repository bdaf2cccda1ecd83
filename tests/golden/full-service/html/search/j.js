privdocSearchShard("j",{"january":[4]});
