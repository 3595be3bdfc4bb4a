"""Nova's unified limits (``nova/limit``, 25.0.0 on): under ``[quota] driver =
nova.quota.UnifiedLimitsDriver`` Nova's quotas are the limits Keystone holds for its endpoint's
service and region, read through oslo.limit (`oslo_limit`): the resources Placement counts
(`placement`: servers and the flavor's resource classes) and the API's and the database's own
(`local`: metadata items, personality files, key pairs, server groups and their members).
`utils` says whether the driver is in force and (31.0.0 on) whether a refusal stands.
"""
