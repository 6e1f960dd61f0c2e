/* check_crypto.c: hashes, HMAC, hex, base64 and constant-time comparison against published
 * test vectors (FIPS 180-2, RFC 1321, RFC 4231, RFC 4648). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "sigv4.h"

START_TEST(sha256_vectors)
{
	char hex[65];
	unsigned char raw[32];

	fg_sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	fg_sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	fg_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	fg_sha256("abc", 3, raw);
	ck_assert_int_eq(raw[0], 0xba);
	ck_assert_int_eq(raw[31], 0xad);
}
END_TEST

START_TEST(md5_vectors)
{
	char hex[33];

	fg_md5_hex("", 0, hex);
	ck_assert_str_eq(hex, "d41d8cd98f00b204e9800998ecf8427e");
	fg_md5_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "900150983cd24fb0d6963f7d28e17f72");
	fg_md5_hex("message digest", 14, hex);
	ck_assert_str_eq(hex, "f96b697d7cb7938d525a2f31aaf161d0");
}
END_TEST

START_TEST(hmac_sha256_vectors)
{
	unsigned char key[131], out[32];
	char hex[65];

	/* RFC 4231 test case 1. */
	memset(key, 0x0b, 20);
	fg_hmac_sha256(key, 20, "Hi There", 8, out);
	fg_hex(out, 32, hex);
	ck_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	/* Test case 2: a short key. */
	fg_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out);
	fg_hex(out, 32, hex);
	ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* Test case 6: a key longer than the block. */
	memset(key, 0xaa, sizeof(key));
	fg_hmac_sha256(key, sizeof(key), "Test Using Larger Than Block-Size Key - Hash Key First",
	    54, out);
	fg_hex(out, 32, hex);
	ck_assert_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}
END_TEST

START_TEST(hex_is_lower_case)
{
	static const unsigned char in[] = { 0x00, 0x0f, 0xa5, 0xff };
	char out[9];

	fg_hex(in, sizeof(in), out);
	ck_assert_str_eq(out, "000fa5ff");
	fg_hex(in, 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(base64_vectors)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};

	for (size_t i = 0; i < FG_ARRAY_LEN(v); i++) {
		char *enc = fg_base64(v[i][0], strlen(v[i][0]));
		size_t len = 99;
		unsigned char *dec = fg_base64_decode(v[i][1], &len);

		ck_assert_str_eq(enc, v[i][1]);
		ck_assert_ptr_nonnull(dec);
		ck_assert_uint_eq(len, strlen(v[i][0]));
		ck_assert_str_eq((char *)dec, v[i][0]);
		free(enc);
		free(dec);
	}
}
END_TEST

START_TEST(base64_round_trips_binary)
{
	unsigned char in[256], *out;
	size_t len;
	char *enc;

	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)(255 - i);
	for (size_t n = 250; n <= 256; n++) {
		enc = fg_base64(in, n);
		ck_assert_uint_eq(strlen(enc), (n + 2) / 3 * 4);
		out = fg_base64_decode(enc, &len);
		ck_assert_ptr_nonnull(out);
		ck_assert_uint_eq(len, n);
		ck_assert(memcmp(in, out, n) == 0);
		free(enc);
		free(out);
	}
}
END_TEST

START_TEST(base64_rejects_bad_input)
{
	static const char *const bad[] = {
		"Zm9", "Zm9vY", "Zm=v", "Z===", "====", "Zm9v!A==", "Zm9v\nYmFy", " Zm9v", "Zm9v ",
		"Zm-_", "Zg=a",
	};

	for (size_t i = 0; i < FG_ARRAY_LEN(bad); i++) {
		size_t len = 7;

		ck_assert_msg(fg_base64_decode(bad[i], &len) == NULL, "accepted \"%s\"", bad[i]);
		ck_assert_uint_eq(len, 7);
	}
}
END_TEST

START_TEST(ct_memcmp_compares)
{
	ck_assert_int_eq(fg_ct_memcmp("abcdef", "abcdef", 6), 0);
	ck_assert_int_ne(fg_ct_memcmp("abcdef", "abcdeg", 6), 0);
	ck_assert_int_ne(fg_ct_memcmp("xbcdef", "abcdef", 6), 0);
	ck_assert_int_eq(fg_ct_memcmp("abc", "abd", 2), 0);
	ck_assert_int_eq(fg_ct_memcmp("", "", 0), 0);
}
END_TEST

/* Builds the suite. */
static Suite *
crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("crypto");

	tcase_add_test(tc, sha256_vectors);
	tcase_add_test(tc, md5_vectors);
	tcase_add_test(tc, hmac_sha256_vectors);
	tcase_add_test(tc, hex_is_lower_case);
	tcase_add_test(tc, base64_vectors);
	tcase_add_test(tc, base64_round_trips_binary);
	tcase_add_test(tc, base64_rejects_bad_input);
	tcase_add_test(tc, ct_memcmp_compares);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(crypto_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
