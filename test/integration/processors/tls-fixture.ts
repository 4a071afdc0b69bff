/**
 * A self-signed certificate for `hooks.pipeline.test` (valid for a century) and its key,
 * made for these tests only: no client trusts it, which is what the TLS test relies on.
 */
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPBxkiBA8tm7gWKAf
r8ANZ5z0zg9c/AzNh50EADt3ZJehRANCAATEgACRnAomPWKM4ltboKmn12HycMYn
GVal21ZjguKEHohTyGjR1NPuolRqdfzRKxBA04YyVFjFjwg70LG0IVng
-----END PRIVATE KEY-----
`;

/** The certificate of {@link TEST_TLS_KEY}. */
export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBsjCCAVmgAwIBAgIUZW5exh/LQ031nvftrGfPff8LDnswCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTaG9va3MucGlwZWxpbmUudGVzdDAgFw0yNjEyMDExODEyMTha
GA8yMTI2MTEwNzE4MTIxOFowHjEcMBoGA1UEAwwTaG9va3MucGlwZWxpbmUudGVz
dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMSAAJGcCiY9YoziW1ugqafXYfJw
xicZVqXbVmOC4oQeiFPIaNHU0+6iVGp1/NErEEDThjJUWMWPCDvQsbQhWeCjczBx
MB0GA1UdDgQWBBRndpejJUKpNdo9/6IWWZH1RP6kTTAfBgNVHSMEGDAWgBRndpej
JUKpNdo9/6IWWZH1RP6kTTAPBgNVHRMBAf8EBTADAQH/MB4GA1UdEQQXMBWCE2hv
b2tzLnBpcGVsaW5lLnRlc3QwCgYIKoZIzj0EAwIDRwAwRAIgIpILV2OV8L91GtcT
lYf8eZAQ4v6Ct5rEEsh7WDAnVRECIFnxU/qlpUaezPsVIt4ZRwXo1gY/VW5VpcuW
epyp5NKA
-----END CERTIFICATE-----
`;
