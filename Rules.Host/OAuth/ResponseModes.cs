namespace Rules.Host.OAuth;

/// <summary>
/// Where the authorization response's parameters travel (OAuth 2.0 Multiple Response Types and Form Post Response
/// Mode): the callback's query, its fragment, or a form the browser posts to it.
/// </summary>
public static class ResponseModes
{
    public const string Query = "query";
    public const string Fragment = "fragment";
    public const string FormPost = "form_post";

    public static readonly string[] All = [Query, Fragment, FormPost];
}
