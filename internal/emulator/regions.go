package emulator

// Aura's regions by tier, as published on https://neo4j.com/docs/aura/auradb/managing-databases/regions (the
// Regions page of the Aura documentation, read 2026-11-26 through the reference search; api/emulator.md). The
// page lists AWS and Azure per tier (AuraDB Professional, Business Critical, Virtual Dedicated Cloud) and one GCP
// list; that GCP list is seeded for every tier. AuraDS Professional takes the Professional regions and AuraDS
// Enterprise the Virtual Dedicated Cloud ones (choice: the page has no AuraDS lists).
var (
	awsProfessional = []string{"ap-south-1", "ap-southeast-1", "eu-west-1", "eu-west-3", "sa-east-1", "us-east-1", "us-west-2"}
	awsBusiness     = []string{"ap-south-1", "ap-southeast-1", "eu-west-1", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-2"}
	awsDedicated    = []string{"ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ca-central-1", "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
		"sa-east-1", "us-east-1", "us-east-2", "us-west-2"}
	azureProfessional = []string{"brazilsouth", "centralindia", "eastus", "francecentral", "koreacentral", "uksouth", "westus3"}
	azureDedicated    = []string{"australiaeast", "brazilsouth", "canadacentral", "centralindia", "eastus", "eastus2",
		"francecentral", "germanywestcentral", "koreacentral", "northeurope", "norwayeast", "southafricanorth",
		"switzerlandnorth", "uaenorth", "uksouth", "westus3"}
	gcpAll = []string{"asia-east1", "asia-east2", "asia-south1", "asia-southeast1", "australia-southeast1", "europe-west1",
		"europe-west2", "europe-west3", "us-central1", "us-east1"}
)

type cloudRegions map[string][]string

var (
	professionalRegions = cloudRegions{"gcp": gcpAll, "aws": awsProfessional, "azure": azureProfessional}
	dedicatedRegions    = cloudRegions{"gcp": gcpAll, "aws": awsDedicated, "azure": azureDedicated}
)

// regionsByType holds where each type with a size choice is offered; free-db is seeded apart.
var regionsByType = map[string]cloudRegions{
	"professional-db":   professionalRegions,
	"business-critical": {"gcp": gcpAll, "aws": awsBusiness, "azure": azureProfessional},
	"enterprise-db":     dedicatedRegions,
	"professional-ds":   professionalRegions,
	"enterprise-ds":     dedicatedRegions,
}

// smallRegions is the catalogue of --small-catalogue: two regions per cloud, each offered to every tier.
var smallRegions = cloudRegions{"gcp": {"europe-west1", "us-central1"}, "aws": {"us-east-1", "eu-west-1"}, "azure": {"eastus", "uksouth"}}

// regionNames are the region_name values of the tenant's instance_configurations.
var regionNames = map[string]string{
	"ap-south-1": "Mumbai", "ap-southeast-1": "Singapore", "ap-southeast-2": "Sydney", "ap-northeast-1": "Tokyo",
	"ap-northeast-2": "Seoul", "ap-northeast-3": "Osaka", "ca-central-1": "Canada Central", "eu-central-1": "Frankfurt",
	"eu-north-1": "Stockholm", "eu-south-1": "Milan", "eu-west-1": "Ireland", "eu-west-2": "London", "eu-west-3": "Paris",
	"il-central-1": "Tel Aviv", "sa-east-1": "São Paulo", "us-east-1": "N. Virginia", "us-east-2": "Ohio", "us-west-2": "Oregon",

	"australiaeast": "Australia East", "brazilsouth": "Brazil South", "canadacentral": "Canada Central",
	"centralindia": "Central India", "eastus": "East US", "eastus2": "East US 2", "francecentral": "France Central",
	"germanywestcentral": "Germany West Central", "koreacentral": "Korea Central", "northeurope": "North Europe",
	"norwayeast": "Norway East", "southafricanorth": "South Africa North", "switzerlandnorth": "Switzerland North",
	"uaenorth": "UAE North", "uksouth": "UK South", "westus3": "West US 3",

	"asia-east1": "Taiwan", "asia-east2": "Hong Kong", "asia-south1": "Mumbai", "asia-southeast1": "Singapore",
	"australia-southeast1": "Sydney", "europe-west1": "Belgium", "europe-west2": "London", "europe-west3": "Frankfurt",
	"us-central1": "Iowa", "us-east1": "South Carolina",
}

func regionName(code string) string { return regionNames[code] + " (" + code + ")" }
