namespace FraudWeb.Services.Admin;

public static class AdministrationServiceCollectionExtensions
{
    /// <summary>User, role and audit administration (issue 5).</summary>
    public static IServiceCollection AddFraudAdministration(this IServiceCollection services)
    {
        services.AddScoped<AuditLog>();
        services.AddScoped<Accounts.IAccountAudit>(provider => provider.GetRequiredService<AuditLog>());
        services.AddScoped<AdminGuard>();
        services.AddScoped<ReviewAssignmentRelease>();
        services.AddScoped<AdminUserService>();
        services.AddScoped<AdminRoleService>();
        services.AddScoped<AccessAuditService>();
        return services;
    }
}
