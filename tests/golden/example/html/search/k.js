privdocSearchShard("k",{"keep":[3,4],"keeps":[2,3,8],"kept":[2],"kind":[2]});
