"""The one converter each way between the wire (protobuf) and the plain records."""
