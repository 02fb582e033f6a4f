#!/usr/bin/php
<?php
// Verify an fcgi-auth access token in a PHP application with nothing but
// PHP's openssl (ES256, RS256) or sodium (EdDSA) functions and the
// service's published key set (Debian: php-cli).
//
//     FCGI_AUTH_URL=https://auth.example.com ./verify.php TOKEN
//
// prints the token's claims, or why it is refused (exit status 1).  In an
// application, cache the key set (it may be cached for 300 s) and fetch it
// again when a token names a kid it lacks.  Signature and claims only: a
// revoked session's tokens stay valid until they expire; ask POST
// /introspect when that matters.

$base = getenv('FCGI_AUTH_URL') ?: 'http://127.0.0.1:3456';
$issuer = getenv('FCGI_AUTH_ISSUER') ?: 'fcgi-auth';      // AUTH_ISSUER
$audience = getenv('FCGI_AUTH_AUDIENCE') ?: $issuer;      // AUTH_AUDIENCE
$alg = getenv('FCGI_AUTH_ALG') ?: 'ES256';                // AUTH_JWT_ALG

function b64url_decode(string $s): string {
    $d = base64_decode(strtr($s, '-_', '+/'), true);
    if ($d === false) throw new Exception('bad base64url');
    return $d;
}

// A DER element: tag, length, contents.
function der(int $tag, string $body): string {
    $n = strlen($body);
    $len = $n < 128 ? chr($n) : ($n < 256 ? "\x81" . chr($n) : "\x82" . pack('n', $n));
    return chr($tag) . $len . $body;
}

// A DER INTEGER from unsigned big-endian bytes.
function der_int(string $b): string {
    $b = ltrim($b, "\0");
    if ($b === '' || ord($b[0]) > 127) $b = "\0" . $b;
    return der(0x02, $b);
}

// The PEM public key of a JWK: EC P-256 or RSA.
function jwk_pem(array $k): string {
    if ($k['kty'] === 'EC') {
        $point = "\x04" . b64url_decode($k['x']) . b64url_decode($k['y']);
        $spki = der(0x30, der(0x30, hex2bin('06072a8648ce3d0201') .
            hex2bin('06082a8648ce3d030107')) . der(0x03, "\0" . $point));
    } else {
        $rsa = der(0x30, der_int(b64url_decode($k['n'])) . der_int(b64url_decode($k['e'])));
        $spki = der(0x30, der(0x30, hex2bin('06092a864886f70d0101010500')) .
            der(0x03, "\0" . $rsa));
    }
    return "-----BEGIN PUBLIC KEY-----\n" . chunk_split(base64_encode($spki), 64, "\n") .
        "-----END PUBLIC KEY-----\n";
}

// The claims of a valid access token; throws an Exception otherwise.
function verify(string $token, array $keys, string $alg, string $iss, string $aud): array {
    $parts = explode('.', $token);
    if (count($parts) !== 3) throw new Exception('not a JWS');
    $h = json_decode(b64url_decode($parts[0]), true);
    if (($h['typ'] ?? '') !== 'at+jwt' || ($h['alg'] ?? '') !== $alg)
        throw new Exception('not an access token of ' . $alg);
    $key = null;
    foreach ($keys as $k)
        if (($k['kid'] ?? '') === ($h['kid'] ?? null) && $k['alg'] === $alg) $key = $k;
    if ($key === null) throw new Exception('unknown key');
    $input = $parts[0] . '.' . $parts[1];
    $sig = b64url_decode($parts[2]);
    if ($alg === 'EdDSA') {
        $ok = strlen($sig) === 64 &&
            sodium_crypto_sign_verify_detached($sig, $input, b64url_decode($key['x']));
    } else {
        if ($alg === 'ES256') {         // JWS's r || s to DER
            if (strlen($sig) !== 64) throw new Exception('bad signature');
            $sig = der(0x30, der_int(substr($sig, 0, 32)) . der_int(substr($sig, 32)));
        }
        $ok = openssl_verify($input, $sig, jwk_pem($key), OPENSSL_ALGO_SHA256) === 1;
    }
    if (!$ok) throw new Exception('bad signature');
    $c = json_decode(b64url_decode($parts[1]), true);
    if (($c['iss'] ?? '') !== $iss || ($c['aud'] ?? '') !== $aud)
        throw new Exception('another issuer or audience');
    if (!is_int($c['exp'] ?? null) || $c['exp'] <= time())
        throw new Exception('expired');
    return $c;
}

try {
    $set = json_decode(file_get_contents("$base/.well-known/jwks.json"), true);
    $claims = verify($argv[1] ?? '', $set['keys'] ?? [], $alg, $issuer, $audience);
    echo json_encode($claims), "\n";
} catch (Throwable $e) {
    fwrite(STDERR, 'refused: ' . $e->getMessage() . "\n");
    exit(1);
}
