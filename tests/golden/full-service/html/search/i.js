privdocSearchShard("i",{"identity":[6],"information":[4,1,1],"installed":[0,4,1],"interests":[4,3],"inventory":[0,4,1],"ireland":[1,1,2],"its":[0,1,3]});
