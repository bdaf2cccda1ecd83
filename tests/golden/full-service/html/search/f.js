privdocSearchShard("f",{"fabrikam":[1,1,2],"files":[4],"following":[4],"for":[1,2,1,1,1,1],"format":[4],"from":[0,1,1,1,1]});
