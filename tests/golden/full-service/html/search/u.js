privdocSearchShard("u",{"under":[0,2,1,1],"union":[1,3],"united":[1,1,2],"until":[3,1],"updates":[4],"use":[5,1,1],"user":[0,4,2],"uses":[4]});
