privdocSearchShard("g",{"gathered":[4],"gdpr":[2,2,1,1,1],"glance":[4],"group":[0,4,2]});
