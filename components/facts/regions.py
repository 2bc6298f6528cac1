"""Regions and zones of each cloud, with their sources.

* **AWS**: Braintrust publishes Lambda bundles in a subset of the regions; only those are deployable.
  Every one of them is a region of the ``aws`` partition in botocore's ``endpoints.json``
  (``tests/components/config/test_regions.py``). Availability-zone *names* are mapped per account, so
  they are not tabulated: default zones are resolved at deploy time (``get_availability_zones``) and
  explicit ones are checked for their shape ``<region><letter>``.
* **GCP**: zones per region from the Compute Engine regions-and-zones table. Not every region has an
  ``-a`` zone (``us-east1`` and ``europe-west1`` start at ``-b``), which is why the zones of a region are
  never guessed. Every region of the table is a location of Google's own API discovery documents.
* **Azure**: the public-cloud regions and whether they have availability zones (logical zones 1-3).
"""

from __future__ import annotations

from .model import Check, register

# Braintrust publishes Lambda bundles only in these regions (bucket braintrust-assets-<region>); upstream's
# module enforces the list with a postcondition on the region. The public docs list an older subset.
AWS_BRAINTRUST_REGIONS: tuple[str, ...] = register(
    "aws.regions.braintrust_lambda_bundles",
    (
        "ap-northeast-1", "ap-south-1", "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-west-1",
        "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-2",
    ),
    "braintrustdata/terraform-aws-braintrust-data-plane@6bf9b11/modules/services/main.tf:5-18 ; "
    "pypi:botocore==1.44.8/botocore/data/endpoints.json",
    Check.UPSTREAM,
    note="local.supported_regions of the services module; each is checked against botocore's aws partition",
)

# Zone letters per region (zone name = f"{region}-{letter}"); Google adds zones over time, so a region
# missing here can still be used by listing its zones explicitly (`zones`).
GCP_ZONES: dict[str, tuple[str, ...]] = register(
    "gcp.regions.zones",
    {
        "africa-south1": ("a", "b", "c"),
        "asia-east1": ("a", "b", "c"),
        "asia-east2": ("a", "b", "c"),
        "asia-northeast1": ("a", "b", "c"),
        "asia-northeast2": ("a", "b", "c"),
        "asia-northeast3": ("a", "b", "c"),
        "asia-south1": ("a", "b", "c"),
        "asia-south2": ("a", "b", "c"),
        "asia-southeast1": ("a", "b", "c"),
        "asia-southeast2": ("a", "b", "c"),
        "australia-southeast1": ("a", "b", "c"),
        "australia-southeast2": ("a", "b", "c"),
        "europe-central2": ("a", "b", "c"),
        "europe-north1": ("a", "b", "c"),
        "europe-north2": ("a", "b", "c"),
        "europe-southwest1": ("a", "b", "c"),
        "europe-west1": ("b", "c", "d"),
        "europe-west2": ("a", "b", "c"),
        "europe-west3": ("a", "b", "c"),
        "europe-west4": ("a", "b", "c"),
        "europe-west6": ("a", "b", "c"),
        "europe-west8": ("a", "b", "c"),
        "europe-west9": ("a", "b", "c"),
        "europe-west10": ("a", "b", "c"),
        "europe-west12": ("a", "b", "c"),
        "me-central1": ("a", "b", "c"),
        "me-central2": ("a", "b", "c"),
        "me-west1": ("a", "b", "c"),
        "northamerica-northeast1": ("a", "b", "c"),
        "northamerica-northeast2": ("a", "b", "c"),
        "northamerica-south1": ("a", "b", "c"),
        "southamerica-east1": ("a", "b", "c"),
        "southamerica-west1": ("a", "b", "c"),
        "us-central1": ("a", "b", "c", "f"),
        "us-east1": ("b", "c", "d"),
        "us-east4": ("a", "b", "c"),
        "us-east5": ("a", "b", "c"),
        "us-south1": ("a", "b", "c"),
        "us-west1": ("a", "b", "c"),
        "us-west2": ("a", "b", "c"),
        "us-west3": ("a", "b", "c"),
        "us-west4": ("a", "b", "c"),
    },
    "https://cloud.google.com/compute/docs/regions-zones#available",
    Check.DOCS,
    note="regions are cross-checked against the locations of the pinned discovery documents "
         "(pypi:google-api-python-client==2.202.0); the zone letters themselves are documentation only",
)

# Programmatic name -> has availability zones (logical zones "1", "2", "3").
AZURE_REGIONS: dict[str, bool] = register(
    "azure.regions.availability_zones",
    {
        "australiacentral": False, "australiacentral2": False, "australiaeast": True,
        "australiasoutheast": False, "austriaeast": True, "belgiumcentral": True, "brazilsouth": True,
        "brazilsoutheast": False, "canadacentral": True, "canadaeast": False, "centralindia": True,
        "centralus": True, "chilecentral": True, "denmarkeast": True, "eastasia": True, "eastus": True,
        "eastus2": True, "francecentral": True, "francesouth": False, "germanynorth": False,
        "germanywestcentral": True, "indonesiacentral": True, "israelcentral": True, "italynorth": True,
        "japaneast": True, "japanwest": True, "koreacentral": True, "koreasouth": False, "malaysiawest": True,
        "mexicocentral": True, "newzealandnorth": True, "northcentralus": False, "northeurope": True,
        "norwayeast": True, "norwaywest": False, "polandcentral": True, "qatarcentral": True,
        "southafricanorth": True, "southafricawest": False, "southcentralus": True, "southeastasia": True,
        "southindia": False, "spaincentral": True, "swedencentral": True, "switzerlandnorth": True,
        "switzerlandwest": False, "uaecentral": False, "uaenorth": True, "uksouth": True, "ukwest": False,
        "westcentralus": False, "westeurope": True, "westindia": False, "westus": False, "westus2": True,
        "westus3": True,
    },
    "https://learn.microsoft.com/azure/reliability/regions-list ; "
    "MicrosoftDocs/reliability-docs@01021ab/articles/reliability/regions-list.md",
    Check.DOCS,
    note="the 'All' table (programmatic names, availability zone support) of 2025-09-23; regions announced "
         "later are refused until added here",
)
AZURE_ZONES: tuple[str, ...] = register(
    "azure.regions.logical_zones",
    ("1", "2", "3"),
    "https://learn.microsoft.com/azure/reliability/availability-zones-overview ; "
    "MicrosoftDocs/azure-docs@e3bf58a/articles/reliability/availability-zones-overview.md",
    Check.DOCS,
    note="every region with availability zones offers at least logical zones 1-3",
)


def gcp_zone_names(region: str) -> list[str] | None:
    """The region's zones in table order, or None when the region is not in the table."""
    letters = GCP_ZONES.get(region)
    return [f"{region}-{letter}" for letter in letters] if letters is not None else None


def azure_has_zones(region: str) -> bool | None:
    """Whether an Azure region has availability zones; None for a region not in the table."""
    return AZURE_REGIONS.get(region)
