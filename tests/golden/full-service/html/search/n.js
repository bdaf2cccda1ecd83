privdocSearchShard("n",{"names":[0,4,2],"never":[4],"new":[4],"northwind":[1,1,2],"notice":[4],"notification":[4],"notify":[4]});
