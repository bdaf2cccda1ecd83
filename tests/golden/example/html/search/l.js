privdocSearchShard("l",{"latest":[3],"legal":[3],"level":[3],"leverages":[3],"limited":[3],"links":[2],"listed":[3],"located":[3,1],"location":[1,2],"locations":[0,1,2],"long":[2],"longest":[3]});
