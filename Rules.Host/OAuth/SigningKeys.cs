using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Rules.Host.Hosting;

namespace Rules.Host.OAuth;

/// <summary>
/// The RS256 key every token is signed with. Created on first start as a PEM file in the data directory
/// (mode 600) and reused after, so tokens survive a restart; published at /.well-known/jwks.json.
/// </summary>
public sealed class SigningKeys
{
    public const string FileName = "signing-key.pem";

    public SigningKeys(IOptions<RulesHostOptions> options)
    {
        var path = Path.Combine(options.Value.DataDirectory, FileName);
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            Directory.CreateDirectory(options.Value.DataDirectory);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            // Rename is atomic: a crash never leaves a half-written key behind.
            File.Move(temporary, path, overwrite: false);
        }

        var publicParameters = rsa.ExportParameters(includePrivateParameters: false);
        KeyId = Base64UrlEncoder.Encode(SHA256.HashData(publicParameters.Modulus!))[..16];
        Key = new RsaSecurityKey(rsa) { KeyId = KeyId };
        Credentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256);
        Jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(publicParameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(publicParameters.Exponent),
            }),
        };
    }

    public string KeyId { get; }

    public RsaSecurityKey Key { get; }

    public SigningCredentials Credentials { get; }

    /// <summary>The JSON Web Key Set document: public parts only.</summary>
    public JsonObject Jwks { get; }
}
