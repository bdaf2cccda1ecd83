privdocSearchShard("g",{"gathered":[3],"gdpr":[3],"generally":[3],"generated":[3,6],"geographical":[3],"give":[3],"glance":[3],"goal":[3]});
