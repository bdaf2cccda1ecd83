privdocSearchShard("b",{"backups":[2,2],"basis":[4,1,1,1],"before":[4],"browsing":[4],"business":[2,2]});
