"""The policy pack directory (`pulumi preview --policy-pack policy`) and its offline tooling."""
