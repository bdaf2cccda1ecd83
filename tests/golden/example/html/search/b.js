privdocSearchShard("b",{"based":[3],"before":[3],"belong":[7],"browser":[3],"business":[0,3,10]});
