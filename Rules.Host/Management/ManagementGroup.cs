using Microsoft.AspNetCore.Http;
using Rules.Host.Errors;

namespace Rules.Host.Management;

internal static class ManagementGroup
{
    /// <summary>
    /// A route group for one Management API resource. Its filter turns anything a handler did not expect into
    /// Auth0's error JSON (logged, no stack trace in the response), and a body the server refused to read into 400/413.
    /// </summary>
    public static RouteGroupBuilder MapManagementGroup(this IEndpointRouteBuilder endpoints, string prefix, string tag)
    {
        var group = endpoints.MapGroup(prefix).WithTags(tag);
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (BadHttpRequestException e)
            {
                return (e.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? Auth0Error.PayloadTooLarge(MaxBodyBytes(context.HttpContext))
                    : Auth0Error.BadRequest("The request could not be read: " + e.Message, "invalid_request")).ToTypedResult();
            }
            catch (Exception e) when (!context.HttpContext.RequestAborted.IsCancellationRequested)
            {
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Rules.Host.Management")
                    .LogError(e, "Management API {Method} {Path} failed", context.HttpContext.Request.Method, context.HttpContext.Request.Path);
                return ManagementResults.Internal().ToTypedResult();
            }
        });
        return group;
    }

    public static long MaxBodyBytes(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.RulesHostOptions>>().Value.MaxRequestBodyBytes;
}
