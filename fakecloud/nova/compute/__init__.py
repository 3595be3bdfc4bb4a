"""Nova's compute service: the compute API (nova-api side), its RPC client, the manager that
runs on each host, and the helpers they share."""
