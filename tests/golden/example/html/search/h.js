privdocSearchShard("h",{"handling":[3],"has":[3],"hashes":[3],"have":[3],"health":[3,9],"history":[3],"how":[2,4]});
