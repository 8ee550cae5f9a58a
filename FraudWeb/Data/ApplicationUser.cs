using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Data;

/// <summary>A sign-in account; personal details live in the domain's CardHolder, linked by user id.</summary>
public class ApplicationUser : IdentityUser
{
    public DateTime CreatedUtc { get; set; }
}
