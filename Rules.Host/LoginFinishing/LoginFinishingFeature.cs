namespace Rules.Host.LoginFinishing;

/// <summary>Registers the component every login path finishes through.</summary>
public static class LoginFinishingFeature
{
    public static IServiceCollection AddLoginFinishing(this IServiceCollection services) => services.AddSingleton<LoginFinisher>();
}
