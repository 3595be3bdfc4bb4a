"""The compute REST API: controllers, schemas, views, and the service that routes them."""
