privdocSearchShard("o",{"object":[4],"objection":[4],"obtain":[4],"once":[4],"one":[0],"operations":[1,3],"orders":[3,1],"over":[4],"overview":[4],"overviews":[0]});
