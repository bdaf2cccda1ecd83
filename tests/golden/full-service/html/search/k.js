privdocSearchShard("k",{"keep":[4],"keeps":[3,1,3],"kept":[3,1],"kind":[3]});
