using System.Text.Json.Nodes;

namespace Rules.Host.OAuth;

/// <summary>
/// The token endpoint's success body (RFC 6749 §5.1). client_credentials: access_token, token_type, expires_in
/// and scope; authorization_code: access_token, id_token, token_type, expires_in.
/// </summary>
public sealed class TokenResponseGenerator(TokenMinter minter)
{
    public JsonObject Generate(ValidatedTokenRequest request, HttpContext http)
    {
        if (request.GrantType == GrantTypes.ClientCredentials)
        {
            var (token, expiresIn) = minter.CreateManagementToken(request.Client, request.Scopes, http);
            return new JsonObject
            {
                ["access_token"] = token,
                ["token_type"] = "Bearer",
                ["expires_in"] = expiresIn,
                ["scope"] = string.Join(' ', request.Scopes),
            };
        }

        var tokens = minter.Issue(request.Grant!, http);
        return new JsonObject
        {
            ["access_token"] = tokens.AccessToken,
            ["id_token"] = tokens.IdToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = tokens.ExpiresIn,
        };
    }
}
