using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.Tenant;

namespace Rules.Host.Management;

/// <summary>
/// /api/v2/users in Auth0's shapes: list and search, get, create, and PATCH with Auth0's merge semantics.
/// Passwords are hashed on the way in and no response ever carries a password or a hash.
/// </summary>
public static class UsersEndpoints
{
    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapManagementGroup("/api/v2/users", "Users");
        users.MapGet("", List).RequireManagementScope("read:users");
        users.MapGet("/{id}", Get).RequireManagementScope("read:users");
        users.MapPost("", Create).RequireManagementScope("create:users");
        users.MapPatch("/{id}", Update).RequireManagementScope("update:users");
        return endpoints;
    }

    /// <summary>GET /api/v2/users?q=&amp;page=&amp;per_page=&amp;include_totals= (search_engine is accepted and ignored).</summary>
    public static Results<Ok<JsonNode>, JsonHttpResult<Auth0ErrorBody>> List(HttpRequest request, TenantStore store)
    {
        var paging = ManagementQuery.ReadPaging(request.Query);
        if (paging.IsError)
        {
            return paging.Error!.ToTypedResult();
        }

        var q = ManagementQuery.Single(request.Query, "q");
        if (UserSearch.Parse(q).Error is { } badQuery)
        {
            return ManagementQuery.SearchError(badQuery).ToTypedResult();
        }

        var (page, perPage, includeTotals, _) = paging.Value!;
        var (users, total) = store.ListUsers(q, page, perPage);
        var list = new JsonArray(users.Select(u => (JsonNode)ToResponse(u)).ToArray());
        JsonNode body = includeTotals
            ? new JsonObject { ["start"] = page * perPage, ["limit"] = perPage, ["length"] = users.Count, ["total"] = total, ["users"] = list }
            : list;
        return TypedResults.Ok(body);
    }

    public static Results<Ok<JsonObject>, JsonHttpResult<Auth0ErrorBody>> Get(string id, TenantStore store) =>
        store.GetUser(id) is { } user ? TypedResults.Ok(ToResponse(user)) : UserNotFound().ToTypedResult();

    public static async Task<Results<Created<JsonObject>, JsonHttpResult<Auth0ErrorBody>>> Create(HttpRequest request, TenantStore store, TimeProvider clock)
    {
        var body = await ManagementRequestBody.ReadObjectAsync(request);
        if (body.IsError)
        {
            return body.Error!.ToTypedResult();
        }
        var validated = UserRequestValidator.ValidateCreate(body.Value!);
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }

        var create = validated.Value!;
        if (store.GetConnection(create.Connection) is not { } connection)
        {
            return Auth0Error.BadRequest($"The connection '{create.Connection}' does not exist.", "inexistent_connection").ToTypedResult();
        }
        var isDatabase = connection.IsDatabase;
        if (isDatabase && (create.Email is null || create.Password is null))
        {
            return Auth0Error.BadRequest($"Payload validation error: 'Missing required property: {(create.Email is null ? "email" : "password")}' (a database connection needs email and password).")
                .ToTypedResult();
        }
        if (!isDatabase && create.Password is not null)
        {
            return Auth0Error.BadRequest($"The connection '{connection.Name}' ({connection.Strategy}) does not store passwords.", "operation_not_supported").ToTypedResult();
        }

        // Auth0 prefixes the id with the connection's provider; an id given with a provider is taken as it is.
        var userId = create.UserId is null ? $"{connection.Strategy}|{RandomNumberGenerator.GetHexString(24, lowercase: true)}"
            : create.UserId.Contains('|') ? create.UserId
            : $"{connection.Strategy}|{create.UserId}";
        var profile = new JsonObject
        {
            ["email_verified"] = create.EmailVerified,
            ["name"] = create.Email ?? userId,
            ["nickname"] = create.Email is { } email ? email[..email.IndexOf('@')] : userId,
        };
        foreach (var (name, value) in create.Attributes)
        {
            profile[name] = value;
        }
        profile["app_metadata"] = create.AppMetadata;
        profile["user_metadata"] = create.UserMetadata;

        var now = clock.GetUtcNow();
        var user = new TenantUser(userId, create.Email, connection.Name, create.Blocked, 0, profile,
            create.Password is null ? null : Passwords.Hash(userId, create.Password), now, now);
        return store.CreateUser(user, ChangeActor.FromRequest(request.HttpContext)) switch
        {
            UserWriteStatus.Done => TypedResults.Created($"/api/v2/users/{Uri.EscapeDataString(userId)}", ToResponse(user)),
            _ => Auth0Error.Conflict("The user already exists.", "auth0_idp_error").ToTypedResult(),
        };
    }

    public static async Task<Results<Ok<JsonObject>, JsonHttpResult<Auth0ErrorBody>>> Update(string id, HttpRequest request, TenantStore store)
    {
        var body = await ManagementRequestBody.ReadObjectAsync(request);
        if (body.IsError)
        {
            return body.Error!.ToTypedResult();
        }
        var validated = UserRequestValidator.ValidateUpdate(body.Value!);
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }

        var update = validated.Value!;
        if (store.GetUser(id) is not { } existing)
        {
            return UserNotFound().ToTypedResult();
        }
        if (update.Connection is not null && update.Connection != existing.Connection)
        {
            return Auth0Error.BadRequest($"The user belongs to the connection '{existing.Connection}', not '{update.Connection}'; users cannot move between connections.", "invalid_connection").ToTypedResult();
        }
        if (update.Password is not null && store.GetConnection(existing.Connection) is not { IsDatabase: true })
        {
            return Auth0Error.BadRequest($"The connection '{existing.Connection}' does not store passwords.", "operation_not_supported").ToTypedResult();
        }

        // Hashing is deliberately slow: do it before the write transaction, not inside it.
        var passwordHash = update.Password is null ? null : Passwords.Hash(id, update.Password);
        var (status, updated) = store.ChangeUser(id, user => Apply(user, update, passwordHash), ChangeActor.FromRequest(request.HttpContext));
        return status switch
        {
            UserWriteStatus.Done => TypedResults.Ok(ToResponse(updated!)),
            UserWriteStatus.NotFound => UserNotFound().ToTypedResult(),
            _ => Auth0Error.Conflict("The specified new email already exists.", "email_exists").ToTypedResult(),
        };
    }

    /// <summary>Auth0's PATCH: top-level fields replace, metadata merges by top-level key, null removes.</summary>
    public static TenantUser Apply(TenantUser user, UserUpdateRequest update, string? passwordHash)
    {
        var profile = (JsonObject)user.Profile.DeepClone();
        foreach (var (name, value) in update.Attributes)
        {
            if (value is null) profile.Remove(name);
            else profile[name] = value;
        }
        var email = user.Email;
        if (update.Email is not null)
        {
            if (!string.Equals(update.Email, user.Email, StringComparison.OrdinalIgnoreCase))
            {
                // A new address has not been verified, unless the caller says it has (as Auth0 does).
                profile["email_verified"] = false;
            }
            email = update.Email;
        }
        if (update.EmailVerified is { } verified)
        {
            profile["email_verified"] = verified;
        }
        if (update.AppMetadata is { } appMetadata)
        {
            profile["app_metadata"] = TenantStore.MergeMetadata(profile["app_metadata"] as JsonObject, appMetadata);
        }
        if (update.UserMetadata is { } userMetadata)
        {
            profile["user_metadata"] = TenantStore.MergeMetadata(profile["user_metadata"] as JsonObject, userMetadata);
        }
        return user with
        {
            Email = email,
            Blocked = update.Blocked ?? user.Blocked,
            Profile = profile,
            PasswordHash = passwordHash ?? user.PasswordHash,
        };
    }

    /// <summary>The profile as the API returns it; secrets are removed here too, whatever a seed put in the profile.</summary>
    public static JsonObject ToResponse(TenantUser user)
    {
        var profile = user.ToProfileJson();
        foreach (var secret in new[] { "password", "password_hash", "passwordHash" })
        {
            profile.Remove(secret);
        }
        return profile;
    }

    private static Auth0Error UserNotFound() => Auth0Error.NotFound("The user does not exist.", "inexistent_user");
}
