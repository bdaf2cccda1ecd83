privdocSearchShard("y",{"you":[3],"your":[3,1,3]});
