# "<tenant_id>/<id>".
terraform import aura_network_access_configuration.private_only 6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77/0d7e4c55-93a1-4b0e-8c7e-5d2f7a9b1c33
