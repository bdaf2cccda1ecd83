privdocSearchShard("h",{"hardware":[4],"have":[4],"health":[4,1],"helpdesk":[0,3,1,3],"history":[4],"hold":[3,1],"hosting":[2,2],"hours":[2,2],"how":[3,1]});
