package provider

// Enumerations of the Aura API (api/README.md A.4), used by plan-time validation.
var (
	instanceTypes  = []string{"free-db", "professional-db", "business-critical", "enterprise-db", "professional-ds", "enterprise-ds"}
	cloudProviders = []string{"gcp", "aws", "azure"}
	memorySizes    = []string{"1GB", "2GB", "4GB", "8GB", "16GB", "24GB", "32GB", "48GB", "64GB", "128GB", "192GB", "256GB", "384GB", "512GB"}
	storageSizes   = []string{"2GB", "4GB", "8GB", "16GB", "32GB", "48GB", "64GB", "96GB", "128GB", "192GB", "256GB", "384GB", "512GB", "768GB", "1024GB", "1536GB", "2048GB"}
	cdcModes       = []string{"OFF", "DIFF", "FULL"}
	versions       = []string{"4", "5"}
)

// cdcTypes are the types with change data capture and secondaries.
var cdcTypes = []string{"business-critical", "enterprise-db"}
