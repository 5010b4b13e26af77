namespace Rules.Host.Dashboard;

/// <summary>The Dashboard's paths, named once: pages under /dashboard, the fetch() endpoints under /dashboard/api.</summary>
public static class DashboardRoutes
{
    public const string Root = "/dashboard";
    public const string Login = "/dashboard/login";
    public const string Logout = "/dashboard/logout";
    public const string Users = "/dashboard/users";
    public const string Rules = "/dashboard/rules";
    public const string Logs = "/dashboard/logs";
    public const string Api = "/dashboard/api";
    public const string Assets = "/dashboard/assets";

    public static string User(string userId) => $"{Users}/{Uri.EscapeDataString(userId)}";

    public static string Rule(string ruleId) => $"{Rules}/{Uri.EscapeDataString(ruleId)}";

    public static string Log(string logId) => $"{Logs}/{Uri.EscapeDataString(logId)}";
}
