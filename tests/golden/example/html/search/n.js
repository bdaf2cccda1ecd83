privdocSearchShard("n",{"names":[3],"needs":[3],"network":[0,3,2],"new":[11],"not":[3],"notice":[3],"notification":[3],"notifies":[3],"notify":[3]});
