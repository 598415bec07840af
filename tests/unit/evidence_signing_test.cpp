#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "evidence/signing.hpp"
#include "test_keys.hpp"

using namespace kubeproof;

using kubeproof::test::new_private_pem;

TEST_SUITE("evidence/signing") {
    TEST_CASE("PAE is DSSE v1's: the specification's own vector") {
        CHECK(evidence::pae("http://example.com/HelloWorld", "hello world") ==
              "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
        CHECK(evidence::pae("", "") == "DSSEv1 0  0 ");
    }

    TEST_CASE("SHA-256 and base64 as everyone computes them") {
        CHECK(evidence::sha256_hex("abc") ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(evidence::base64_encode("hello world") == "aGVsbG8gd29ybGQ=");
        CHECK(*evidence::base64_decode("aGVsbG8gd29ybGQ=") == "hello world");
        CHECK(*evidence::base64_decode("aGVs\nbG8=") == "hello");
        CHECK_FALSE(evidence::base64_decode("abc"));
    }

    TEST_CASE("a signed envelope verifies with the public key only, and not once a byte changed") {
        auto key = evidence::Ed25519Key::from_pem(new_private_pem(), "k.pem");
        REQUIRE(key);
        CHECK(key->is_private());
        auto public_key = evidence::Ed25519Key::from_pem(key->public_pem(), "pub.pem");
        REQUIRE(public_key);
        CHECK_FALSE(public_key->is_private());
        CHECK(public_key->keyid() == key->keyid());
        CHECK(key->keyid().size() == 64);
        const std::string report = "{\"schema\": \"kubeproof.report/v1\"}\n";
        const std::string text =
            evidence::envelope_json(report, evidence::k_report_payload_type, *key);
        CHECK(text.rfind("{\"payloadType\":\"application/"
                         "vnd.kubeproof.report+json\",\"signatures\":[{\"keyid\":\"",
                         0) == 0);
        auto envelope = evidence::read_envelope(text);
        REQUIRE(envelope);
        CHECK(envelope->payload == report);
        REQUIRE(envelope->signatures.size() == 1);
        const auto& sig = envelope->signatures.front().sig;
        CHECK(public_key->verify(evidence::pae(envelope->payload_type, report), sig));
        std::string altered = report;
        altered[3] = 'X';
        CHECK_FALSE(public_key->verify(evidence::pae(envelope->payload_type, altered), sig));
        auto other = evidence::Ed25519Key::from_pem(new_private_pem(), "other.pem");
        CHECK_FALSE(other->verify(evidence::pae(envelope->payload_type, report), sig));
        CHECK(public_key->sign(report).empty());  // a public key does not sign
    }

    TEST_CASE("the signatures can be read without decoding the payload") {
        auto key = evidence::Ed25519Key::from_pem(new_private_pem(), "k.pem");
        const std::string text = evidence::envelope_json(std::string(100000, 'x'), "t", *key);
        auto head = evidence::read_envelope(text.substr(0, 300), false);
        REQUIRE(head);
        CHECK(head->payload.empty());
        CHECK(head->signatures.at(0).keyid == key->keyid());
    }

    TEST_CASE("an envelope with its payload first (any JSON order) is read whole") {
        auto key = evidence::Ed25519Key::from_pem(new_private_pem(), "k.pem");
        const std::string sig = evidence::base64_encode(key->sign(evidence::pae("t", "abc")));
        const std::string text =
            R"({"payload": "YWJj", "payloadType": "t", "signatures": [{"keyid": ")" + key->keyid() +
            R"(", "sig": ")" + sig + "\"}]}";
        for (const bool with_payload : {false, true}) {
            auto envelope = evidence::read_envelope(text, with_payload);
            REQUIRE(envelope);
            CHECK(envelope->payload_type == "t");
            CHECK(envelope->payload == (with_payload ? "abc" : ""));
            REQUIRE(envelope->signatures.size() == 1);
            CHECK(key->verify(evidence::pae("t", "abc"), envelope->signatures[0].sig));
        }
        CHECK_FALSE(evidence::read_envelope(text.substr(0, 20), false));  // cut in the payload
    }

    TEST_CASE("keys that are not Ed25519 are refused without quoting them") {
        auto garbage = evidence::Ed25519Key::from_pem(
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n", "k.pem");
        REQUIRE_FALSE(garbage);
        CHECK(garbage.error() == "k.pem: not a PEM private or public key");
        EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(bio, rsa, nullptr, nullptr, 0, nullptr, nullptr);
        char* data = nullptr;
        const long size = BIO_get_mem_data(bio, &data);
        auto ec =
            evidence::Ed25519Key::from_pem(std::string(data, static_cast<size_t>(size)), "ec.pem");
        BIO_free(bio);
        EVP_PKEY_free(rsa);
        REQUIRE_FALSE(ec);
        CHECK(ec.error() ==
              "ec.pem: not an Ed25519 key (make one with: openssl genpkey -algorithm ed25519)");
    }
}
