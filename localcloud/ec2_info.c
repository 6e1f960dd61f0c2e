/* ec2_info.c: what every account sees the same: regions, their availability zones, and a
 * few fixed public images. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "xml.h"

#define ZONES 3 /* zones a, b and c in every region */

static const struct region {
	const char *name;
	const char *zone_prefix;    /* zone ids are <prefix>-az1 ... */
} regions[] = {
	{ "ap-northeast-1", "apne1" }, { "ap-south-1", "aps1" }, { "ap-southeast-1", "apse1" },
	{ "ap-southeast-2", "apse2" }, { "ca-central-1", "cac1" }, { "eu-central-1", "euc1" },
	{ "eu-north-1", "eun1" }, { "eu-west-1", "euw1" }, { "eu-west-2", "euw2" },
	{ "sa-east-1", "sae1" }, { "us-east-1", "use1" }, { "us-east-2", "use2" },
	{ "us-west-1", "usw1" }, { "us-west-2", "usw2" },
};

static const struct ec2_image images[] = {
	{ "ami-0fc0ca1c10ca1c001", "localcloud-al2023-x86_64", "Amazon Linux 2023 (localcloud)",
	    "x86_64", "amazon", "000000000001", "2024-01-15T00:00:00.000Z", "Linux/UNIX",
	    "/dev/xvda" },
	{ "ami-0fc0ca1c10ca1c002", "localcloud-al2023-arm64", "Amazon Linux 2023 (localcloud)",
	    "arm64", "amazon", "000000000001", "2024-01-15T00:00:00.000Z", "Linux/UNIX",
	    "/dev/xvda" },
	{ "ami-0fc0ca1c10ca1c003", "localcloud-debian-12-x86_64", "Debian 12 (localcloud)",
	    "x86_64", "amazon", "000000000001", "2024-02-01T00:00:00.000Z", "Linux/UNIX",
	    "/dev/xvda" },
};

/* An image, or NULL. */
const struct ec2_image *
ec2_image_find(const char *id)
{
	for (size_t i = 0; id && i < FG_ARRAY_LEN(images); i++)
		if (strcmp(images[i].id, id) == 0)
			return &images[i];
	return NULL;
}

/* The zone-id prefix of a region (the region's own name for one localcloud does not list). */
static const char *
zone_prefix(const char *region)
{
	for (size_t i = 0; i < FG_ARRAY_LEN(regions); i++)
		if (strcmp(regions[i].name, region) == 0)
			return regions[i].zone_prefix;
	return region;
}

/* Says whether zone is one of region's. */
int
ec2_zone_ok(const char *region, const char *zone)
{
	size_t n = strlen(region);

	return zone && strncmp(zone, region, n) == 0 && zone[n] >= 'a' && zone[n] < 'a' + ZONES &&
	    zone[n + 1] == '\0' && n + 2 <= 32;
}

/* The first zone of a region. */
void
ec2_zone_default(const char *region, char out[32])
{
	snprintf(out, 32, "%sa", region);
}

/* The id of a zone: the region's prefix and the zone's number. */
void
ec2_zone_id(const char *zone, char out[32])
{
	size_t n = strlen(zone);
	char region[32];

	snprintf(region, sizeof(region), "%.*s", n ? (int)n - 1 : 0, zone);
	snprintf(out, 32, "%.24s-az%d", zone_prefix(region), n ? zone[n - 1] - 'a' + 1 : 0);
}

/* The zone of a region with a zone id. */
int
ec2_zone_by_id(const char *region, const char *zone_id, char out[32])
{
	char id[32];

	for (int z = 0; z < ZONES; z++) {
		snprintf(out, 32, "%s%c", region, 'a' + z);
		ec2_zone_id(out, id);
		if (strcmp(id, zone_id) == 0)
			return 0;
	}
	return -1;
}

/* Says whether a name is in a list of strings. */
static int
listed(fg_json list, const char *name)
{
	for (size_t i = 0; i < fg_json_len(list); i++)
		if (strcmp(fg_json_str(fg_json_at(list, i)), name) == 0)
			return 1;
	return 0;
}

/* Checks that every name of a list is one a predicate accepts; -1 after replying. */
static int
all_known(struct lc_request *req, fg_json list, int (*ok)(const char *, const char *),
    const char *arg, const char *code, const char *what)
{
	for (size_t i = 0; i < fg_json_len(list); i++)
		if (!ok(arg, fg_json_str(fg_json_at(list, i)))) {
			ec2_error(req, code, "The %s '%.100s' does not exist", what,
			    fg_json_str(fg_json_at(list, i)));
			return -1;
		}
	return 0;
}

/* Availability zone filter values (the item is the zone name). */
static void
f_zone_name(struct ec2_match *m, const void *item)
{
	ec2_emit(m, item);
}

static void
f_zone_id(struct ec2_match *m, const void *item)
{
	char id[32];

	ec2_zone_id(item, id);
	ec2_emit(m, id);
}

static void
f_zone_state(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit(m, "available");
}

static void
f_zone_region(struct ec2_match *m, const void *item)
{
	char region[32];

	snprintf(region, sizeof(region), "%.*s", (int)strlen(item) - 1, (const char *)item);
	ec2_emit(m, region);
}

static void
f_opt_in(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit(m, "opt-in-not-required");
}

static void
f_zone_type(struct ec2_match *m, const void *item)
{
	(void)item;
	ec2_emit(m, "availability-zone");
}

static const struct ec2_filter zone_filters[] = {
	{ "group-name", f_zone_region },
	{ "opt-in-status", f_opt_in },
	{ "region-name", f_zone_region },
	{ "state", f_zone_state },
	{ "zone-id", f_zone_id },
	{ "zone-name", f_zone_name },
	{ "zone-type", f_zone_type },
	{ NULL, NULL },
};

/* Says whether a zone id is one of region's. */
static int
zone_id_ok(const char *region, const char *id)
{
	char zone[32];

	return ec2_zone_by_id(region, id, zone) == 0;
}

/* DescribeAvailabilityZones: the zones of the caller's region. */
enum lc_result
ec2_describe_azs(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	const char *region = req->who.region;
	fg_json names = fg_json_get(in, "ZoneNames"), ids = fg_json_get(in, "ZoneIds");
	fg_json filters = fg_json_get(in, "Filters");
	struct fg_buf *b;

	if (ec2_filters_check(req, filters, zone_filters, 0) != 0 ||
	    all_known(req, names, ec2_zone_ok, region, "InvalidParameterValue", "zone") != 0 ||
	    all_known(req, ids, zone_id_ok, region, "InvalidParameterValue", "zone id") != 0)
		return LC_DONE;
	b = ec2_begin(req);
	fg_buf_addstr(b, "<availabilityZoneInfo>");
	for (int z = 0; z < ZONES; z++) {
		char zone[32], id[32];

		snprintf(zone, sizeof(zone), "%s%c", region, 'a' + z);
		ec2_zone_id(zone, id);
		if ((fg_json_len(names) && !listed(names, zone)) ||
		    (fg_json_len(ids) && !listed(ids, id)) ||
		    !ec2_filters_pass(st, filters, zone_filters, zone, NULL))
			continue;
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "zoneName", zone);
		fg_xml_elem(b, "zoneState", "available");
		fg_xml_elem(b, "regionName", region);
		fg_xml_elem(b, "zoneId", id);
		fg_xml_elem(b, "groupName", region);
		fg_xml_elem(b, "optInStatus", "opt-in-not-required");
		fg_xml_elem(b, "networkBorderGroup", region);
		fg_xml_elem(b, "zoneType", "availability-zone");
		fg_buf_addstr(b, "<messageSet/></item>");
	}
	fg_buf_addstr(b, "</availabilityZoneInfo>");
	return ec2_end(req);
}

/* Region filter values (the item is a struct region). */
static void
f_region_name(struct ec2_match *m, const void *item)
{
	ec2_emit(m, ((const struct region *)item)->name);
}

static void
f_endpoint(struct ec2_match *m, const void *item)
{
	char *e = fg_printf("ec2.%s.amazonaws.com", ((const struct region *)item)->name);

	ec2_emit(m, e);
	free(e);
}

static const struct ec2_filter region_filters[] = {
	{ "endpoint", f_endpoint },
	{ "opt-in-status", f_opt_in },
	{ "region-name", f_region_name },
	{ NULL, NULL },
};

/* Says whether a region is listed. */
static int
region_ok(const char *unused, const char *name)
{
	(void)unused;
	for (size_t i = 0; i < FG_ARRAY_LEN(regions); i++)
		if (strcmp(regions[i].name, name) == 0)
			return 1;
	return 0;
}

/* DescribeRegions. */
enum lc_result
ec2_describe_regions(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	fg_json names = fg_json_get(in, "RegionNames"), filters = fg_json_get(in, "Filters");
	struct fg_buf *b;

	if (ec2_filters_check(req, filters, region_filters, 0) != 0 ||
	    all_known(req, names, region_ok, NULL, "InvalidParameterValue", "region") != 0)
		return LC_DONE;
	b = ec2_begin(req);
	fg_buf_addstr(b, "<regionInfo>");
	for (size_t i = 0; i < FG_ARRAY_LEN(regions); i++) {
		if ((fg_json_len(names) && !listed(names, regions[i].name)) ||
		    !ec2_filters_pass(st, filters, region_filters, &regions[i], NULL))
			continue;
		fg_buf_addstr(b, "<item>");
		fg_xml_elem(b, "regionName", regions[i].name);
		fg_buf_addf(b, "<regionEndpoint>ec2.%s.amazonaws.com</regionEndpoint>",
		    regions[i].name);
		fg_xml_elem(b, "optInStatus", "opt-in-not-required");
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</regionInfo>");
	return ec2_end(req);
}

#define IMG(item) ((const struct ec2_image *)(item))

/* Image filter values. */
static void
f_img_id(struct ec2_match *m, const void *item)
{
	ec2_emit(m, IMG(item)->id);
}

static void
f_img_name(struct ec2_match *m, const void *item)
{
	ec2_emit(m, IMG(item)->name);
}

static void
f_img_desc(struct ec2_match *m, const void *item)
{
	ec2_emit(m, IMG(item)->description);
}

static void
f_img_arch(struct ec2_match *m, const void *item)
{
	ec2_emit(m, IMG(item)->arch);
}

static void
f_img_alias(struct ec2_match *m, const void *item)
{
	ec2_emit(m, IMG(item)->owner_alias);
}

static void
f_img_owner(struct ec2_match *m, const void *item)
{
	ec2_emit(m, IMG(item)->owner_id);
}

static void
f_img_root(struct ec2_match *m, const void *item)
{
	ec2_emit(m, IMG(item)->root_device);
}

static void
f_img_platform(struct ec2_match *m, const void *item)
{
	ec2_emit(m, IMG(item)->platform_details);
}

/* Filters with one value for every image ("image-type" is "machine"). */
#define IMG_CONST(fn, value) \
	static void \
	fn(struct ec2_match *m, const void *item) \
	{ \
		(void)item; \
		ec2_emit(m, value); \
	}
IMG_CONST(f_img_type, "machine")
IMG_CONST(f_img_public, "true")
IMG_CONST(f_img_root_type, "ebs")
IMG_CONST(f_img_state, "available")
IMG_CONST(f_img_virt, "hvm")
IMG_CONST(f_img_hypervisor, "xen")

static const struct ec2_filter image_filters[] = {
	{ "architecture", f_img_arch },
	{ "description", f_img_desc },
	{ "hypervisor", f_img_hypervisor },
	{ "image-id", f_img_id },
	{ "image-type", f_img_type },
	{ "is-public", f_img_public },
	{ "name", f_img_name },
	{ "owner-alias", f_img_alias },
	{ "owner-id", f_img_owner },
	{ "platform-details", f_img_platform },
	{ "root-device-name", f_img_root },
	{ "root-device-type", f_img_root_type },
	{ "state", f_img_state },
	{ "virtualization-type", f_img_virt },
	{ NULL, NULL },
};

/* Says whether an image has one of the owners ("self", an alias or an account id). */
static int
owned(const struct ec2_image *img, fg_json owners, const char *account)
{
	for (size_t i = 0; i < fg_json_len(owners); i++) {
		const char *o = fg_json_str(fg_json_at(owners, i));

		if (strcmp(o, img->owner_alias) == 0 || strcmp(o, img->owner_id) == 0 ||
		    (strcmp(o, "self") == 0 && strcmp(account, img->owner_id) == 0))
			return 1;
	}
	return fg_json_len(owners) == 0;
}

/* Writes an image. */
static void
image_write(struct fg_buf *b, const struct ec2_image *img)
{
	fg_xml_elem(b, "imageId", img->id);
	fg_buf_addf(b, "<imageLocation>%s/%s</imageLocation>", img->owner_alias, img->name);
	fg_xml_elem(b, "imageState", "available");
	fg_xml_elem(b, "imageOwnerId", img->owner_id);
	fg_xml_elem(b, "creationDate", img->created);
	fg_xml_elem(b, "isPublic", "true");
	fg_xml_elem(b, "architecture", img->arch);
	fg_xml_elem(b, "imageType", "machine");
	fg_xml_elem(b, "platformDetails", img->platform_details);
	fg_xml_elem(b, "usageOperation", "RunInstances");
	fg_xml_elem(b, "imageOwnerAlias", img->owner_alias);
	fg_xml_elem(b, "name", img->name);
	fg_xml_elem(b, "description", img->description);
	fg_xml_elem(b, "rootDeviceType", "ebs");
	fg_xml_elem(b, "rootDeviceName", img->root_device);
	fg_buf_addstr(b, "<blockDeviceMapping/><virtualizationType>hvm</virtualizationType>"
	    "<hypervisor>xen</hypervisor><enaSupport>true</enaSupport>"
	    "<sriovNetSupport>simple</sriovNetSupport>");
}

/* DescribeImages: the fixed images. */
enum lc_result
ec2_describe_images(struct lc_request *req, struct ec2_state *st, fg_json in)
{
	fg_json ids = fg_json_get(in, "ImageIds"), owners = fg_json_get(in, "Owners");
	fg_json filters = fg_json_get(in, "Filters");
	struct fg_buf *b;

	if (ec2_filters_check(req, filters, image_filters, 0) != 0)
		return LC_DONE;
	for (size_t i = 0; i < fg_json_len(ids); i++) {
		const char *id = fg_json_str(fg_json_at(ids, i));

		if (!ec2_id_ok(id, "ami")) {
			ec2_error(req, "InvalidAMIID.Malformed", "Invalid id: \"%.100s\" (expecting "
			    "\"ami-...\")", id);
			return LC_DONE;
		}
		if (ec2_image_find(id) == NULL) {
			ec2_error(req, "InvalidAMIID.NotFound", "The image id '[%s]' does not exist", id);
			return LC_DONE;
		}
	}
	b = ec2_begin(req);
	fg_buf_addstr(b, "<imagesSet>");
	for (size_t i = 0; i < FG_ARRAY_LEN(images); i++) {
		if ((fg_json_len(ids) && !listed(ids, images[i].id)) ||
		    !owned(&images[i], owners, req->who.account) ||
		    !ec2_filters_pass(st, filters, image_filters, &images[i], NULL))
			continue;
		fg_buf_addstr(b, "<item>");
		image_write(b, &images[i]);
		fg_buf_addstr(b, "</item>");
	}
	fg_buf_addstr(b, "</imagesSet>");
	return ec2_end(req);
}
