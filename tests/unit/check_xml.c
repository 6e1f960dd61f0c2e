/* check_xml.c: unit tests for the XML reply parser and the XML writer (xml.c, xml_write.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "replies.h"
#include "xml.h"

/* Parses a sample file expecting success. */
static struct fg_xml *
parse_sample(const char *name)
{
	size_t len;
	char *text = replies_read(name, &len), *err = NULL;
	struct fg_xml *x = fg_xml_parse(text, len, &err);

	ck_assert_msg(x != NULL, "%s: %s", name, err);
	free(text);
	return x;
}

/* Parses len bytes expecting failure with a message that starts with want. */
static void
parse_bad(const char *text, size_t len, const char *want)
{
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse(text, len, &err);

	ck_assert_msg(x == NULL, "accepted %.*s", (int)(len < 200 ? len : 200), text);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\", want \"%s...\"", err,
	    want);
	free(err);
}

START_TEST(query_samples)
{
	struct fg_xml *x = parse_sample("sqs-create-queue.xml");

	ck_assert_str_eq(x->name, "CreateQueueResponse");
	ck_assert_ptr_null(x->parent);
	ck_assert_str_eq(fg_xml_text(x, "CreateQueueResult/QueueUrl"),
	    "https://sqs.us-east-2.amazonaws.com/770098461991/queue2");
	ck_assert_str_eq(fg_xml_text(x, "ResponseMetadata/RequestId"),
	    "cb919c0a-9bce-4afe-9b48-9bdf2412bb67");
	ck_assert_str_eq(x->text, "");
	ck_assert_ptr_eq(fg_xml_find(x, ""), x);
	ck_assert_ptr_null(fg_xml_find(x, "CreateQueueResult/Nope"));
	ck_assert_ptr_null(fg_xml_text(x, "QueueUrl"));
	ck_assert_ptr_eq(fg_xml_find(x, "CreateQueueResult")->parent, x);
	fg_xml_free(x);

	x = parse_sample("iam-get-user.xml");
	ck_assert_str_eq(fg_xml_text(x, "GetUserResult/User/Arn"),
	    "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob");
	ck_assert_str_eq(fg_xml_text(x, "GetUserResult/User/Path"),
	    "/division_abc/subdivision_xyz/");
	fg_xml_free(x);

	x = parse_sample("sts-get-caller-identity.xml");
	ck_assert_str_eq(fg_xml_text(x, "GetCallerIdentityResult/Account"), "123456789012");
	fg_xml_free(x);

	x = parse_sample("sns-create-topic.xml");
	ck_assert_str_eq(fg_xml_text(x, "CreateTopicResult/TopicArn"),
	    "arn:aws:sns:us-east-2:123456789012:My-Topic");
	fg_xml_free(x);
}
END_TEST

START_TEST(sqs_receive_message_lists)
{
	struct fg_xml *x = parse_sample("sqs-receive-message.xml"), *m, *a;
	static const char *const names[] = { "SenderId", "SentTimestamp", "ApproximateReceiveCount",
		"ApproximateFirstReceiveTimestamp" };
	size_t i = 0;

	m = fg_xml_find(x, "ReceiveMessageResult/Message");
	ck_assert_str_eq(fg_xml_text(m, "Body"), "This is a test message");
	ck_assert_str_eq(fg_xml_text(m, "MD5OfBody"), "fafb00f5732ab283681e124bf8747ed1");
	ck_assert(strncmp(fg_xml_text(m, "ReceiptHandle"), "MbZj6wDWli+", 11) == 0);
	ck_assert(strstr(fg_xml_text(m, "ReceiptHandle"), "x/KSbkJ0=") != NULL);
	ck_assert_ptr_null(fg_xml_next_named(m));
	for (a = fg_xml_find(m, "Attribute"); a != NULL; a = fg_xml_next_named(a), i++) {
		ck_assert_uint_lt(i, FG_ARRAY_LEN(names));
		ck_assert_str_eq(fg_xml_text(a, "Name"), names[i]);
	}
	ck_assert_uint_eq(i, 4);
	fg_xml_free(x);
}
END_TEST

START_TEST(ec2_and_s3_samples)
{
	struct fg_xml *x = parse_sample("ec2-describe-vpcs.xml"), *item;
	const char *msg;

	item = fg_xml_find(x, "vpcSet/item");
	ck_assert_str_eq(fg_xml_text(item, "vpcId"), "vpc-1a2b3c4d");
	ck_assert_str_eq(fg_xml_text(item, "cidrBlock"), "10.0.0.0/23");
	ck_assert_str_eq(fg_xml_text(item, "tagSet"), "");
	ck_assert_ptr_null(fg_xml_find(item, "tagSet")->child);
	fg_xml_free(x);

	x = parse_sample("s3-list-objects-v2.xml");
	ck_assert_str_eq(x->name, "ListBucketResult");
	ck_assert_str_eq(fg_xml_text(x, "Prefix"), "");
	ck_assert_str_eq(fg_xml_text(x, "KeyCount"), "205");
	ck_assert_str_eq(fg_xml_text(x, "Contents/ETag"), "\"fba9dede5f27731c9771645a39863328\"");
	ck_assert_str_eq(fg_xml_text(x, "Contents/Key"), "my-image.jpg");
	fg_xml_free(x);

	x = parse_sample("ec2-error.xml");
	ck_assert_str_eq(fg_xml_text(x, "Errors/Error/Code"), "InvalidInstanceID.NotFound");
	ck_assert_str_eq(fg_xml_text(x, "RequestID"), "ea966190-f9aa-478e-9ede-example");
	fg_xml_free(x);

	x = parse_sample("s3-error.xml");
	ck_assert_str_eq(x->name, "Error");
	ck_assert_str_eq(fg_xml_text(x, "Resource"), "/mybucket/myfoto.jpg");
	fg_xml_free(x);

	x = parse_sample("sqs-error.xml");
	msg = fg_xml_text(x, "Error/Message");
	ck_assert(strncmp(msg, "Value (quename_nonalpha)", 24) == 0);
	ck_assert_str_eq(msg + strlen(msg) - 10, "in length.");
	fg_xml_free(x);
}
END_TEST

START_TEST(find_backtracks_and_strips_namespaces)
{
	static const char doc[] = "<?xml version=\"1.0\"?>\n<s:a xmlns:s=\"urn:s\" xmlns=\"urn:d\">"
	    "<b><x>1</x></b><s:b><c>2</c></s:b>"
	    "<m>one &amp; <![CDATA[<two>]]> &#x33;<k/>tail </m></s:a>";
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse(doc, sizeof(doc) - 1, &err);

	ck_assert_msg(x != NULL, "%s", err);
	ck_assert_str_eq(x->name, "a");
	ck_assert_str_eq(fg_xml_text(x, "b/c"), "2");
	ck_assert_str_eq(fg_xml_text(x, "b/x"), "1");
	ck_assert_str_eq(fg_xml_text(x, "m"), "one & <two> 3tail");
	ck_assert_ptr_eq(fg_xml_next_named(fg_xml_find(x, "b")), fg_xml_find(x, "b/c")->parent);
	fg_xml_free(x);
}
END_TEST

START_TEST(leaf_text_keeps_spaces_but_not_indentation)
{
	static const char doc[] = "<ListBucketResult>\n  <Contents>\n    <Key> a b </Key>\n"
				  "    <ETag>\n      \"x\"\n    </ETag>\n  </Contents>\n</ListBucketResult>";
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse(doc, sizeof(doc) - 1, &err);

	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(fg_xml_text(x, "Contents/Key"), " a b ");
	ck_assert_str_eq(fg_xml_text(x, "Contents/ETag"), "\"x\"");
	ck_assert_str_eq(fg_xml_text(x, "Contents"), "");
	fg_xml_free(x);
}
END_TEST

START_TEST(input_need_not_be_terminated)
{
	static const char text[] = "<a>x</a>GARBAGE";
	char *err = NULL;
	struct fg_xml *x = fg_xml_parse(text, 8, &err);

	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->text, "x");
	fg_xml_free(x);
	parse_bad(text, 9, "line 1, column 9: junk after document element");
}
END_TEST

START_TEST(malformed_documents_say_where)
{
	const char *t = "<a>\n  <b>\n  </c>\n</a>";

	parse_bad(t, strlen(t), "line 3, column 5: mismatched tag");
	t = "<a><b>text";
	parse_bad(t, strlen(t), "line 1, column 11: no element found");
	parse_bad("", 0, "line 1, column 1: no element found");
	t = "<a>&nope;</a>";
	parse_bad(t, strlen(t), "line 1, column 4: undefined entity");
	t = "<a>\xC3\x28</a>";
	parse_bad(t, strlen(t), "line 1, column 4: not well-formed");
	parse_bad("<a>\0</a>", 8, "line 1, column 4: not well-formed");
	t = "<p:a>x</p:a>";
	parse_bad(t, strlen(t), "line 1, column 1: unbound prefix");
	t = "<a x='1' x='2'/>";
	parse_bad(t, strlen(t), "line 1, column 10: duplicate attribute");
}
END_TEST

START_TEST(dtd_and_entities_refused)
{
	static const char laughs[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    "]>\n<lolz>&lol2;</lolz>";
	static const char xxe[] = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	    "<r>&x;</r>";
	static const char ext[] = "<!DOCTYPE r SYSTEM \"http://127.0.0.1/r.dtd\"><r/>";

	parse_bad(laughs, sizeof(laughs) - 1,
	    "line 2, column 16: DOCTYPE declarations are not allowed");
	parse_bad(xxe, sizeof(xxe) - 1, "line 1, column 13: DOCTYPE declarations are not allowed");
	parse_bad(ext, sizeof(ext) - 1, "line 1, column 44: DOCTYPE declarations are not allowed");
}
END_TEST

START_TEST(limits)
{
	struct fg_buf b;
	char *err = NULL, *big;
	struct fg_xml *x;

	fg_buf_init(&b);
	for (int i = 0; i < FG_XML_MAX_DEPTH; i++)
		fg_buf_addstr(&b, "<d>");
	for (int i = 0; i < FG_XML_MAX_DEPTH; i++)
		fg_buf_addstr(&b, "</d>");
	x = fg_xml_parse(b.data, b.len, &err);
	ck_assert_msg(x != NULL, "%s", err);
	fg_xml_free(x);
	fg_buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		fg_buf_addstr(&b, "<d>");
	parse_bad(b.data, b.len, "line 1, column 193: elements nested too deeply");

	fg_buf_reset(&b);
	fg_buf_addstr(&b, "<a>");
	for (unsigned i = 0; i < FG_XML_MAX_ELEMENTS - 1; i++)
		fg_buf_addstr(&b, "<b/>");
	fg_buf_addstr(&b, "</a>");
	x = fg_xml_parse(b.data, b.len, &err);
	ck_assert_msg(x != NULL, "%s", err);
	fg_xml_free(x);
	b.len -= 4;
	fg_buf_addstr(&b, "<b/></a>");
	parse_bad(b.data, b.len, "line 1, column 4000000: too many elements");
	fg_buf_free(&b);

	big = fg_calloc(FG_XML_MAX_SIZE + 1, 1);
	parse_bad(big, FG_XML_MAX_SIZE + 1, "line 1, column 1: document of 67108865 bytes is over");
	free(big);
}
END_TEST

START_TEST(escape_round_trips)
{
	static const char *const texts[] = { "a&b<c>\"d'e", "multi\nline\ttab\r\nCRLF",
		"caf\xC3\xA9 \xF0\x9F\x98\x80", "]]>", "&amp;" };
	struct fg_buf b;

	fg_buf_init(&b);
	for (size_t i = 0; i < FG_ARRAY_LEN(texts); i++) {
		char *err = NULL;
		struct fg_xml *x;

		fg_buf_reset(&b);
		fg_xml_elem(&b, "v", texts[i]);
		x = fg_xml_parse(b.data, b.len, &err);
		ck_assert_msg(x != NULL, "%s: %s", b.data, err);
		ck_assert_str_eq(x->text, texts[i]);
		fg_xml_free(x);
	}
	fg_buf_reset(&b);
	fg_xml_escape(&b, "a&b<c>\"d'\r\x01\xff\xEF\xBF\xBE!");
	ck_assert_str_eq(b.data, "a&amp;b&lt;c&gt;&quot;d&apos;&#13;\xEF\xBF\xBD\xEF\xBF\xBD"
	    "\xEF\xBF\xBD!");
	fg_buf_reset(&b);
	fg_xml_elem(&b, "Empty", NULL);
	fg_xml_elem(&b, "E", "");
	ck_assert_str_eq(b.data, "<Empty/><E></E>");
	fg_buf_free(&b);
}
END_TEST

static Suite *
xml_suite(void)
{
	Suite *s = suite_create("xml");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, query_samples);
	tcase_add_test(tc, sqs_receive_message_lists);
	tcase_add_test(tc, ec2_and_s3_samples);
	tcase_add_test(tc, find_backtracks_and_strips_namespaces);
	tcase_add_test(tc, leaf_text_keeps_spaces_but_not_indentation);
	tcase_add_test(tc, input_need_not_be_terminated);
	tcase_add_test(tc, malformed_documents_say_where);
	tcase_add_test(tc, dtd_and_entities_refused);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, escape_round_trips);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xml_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
