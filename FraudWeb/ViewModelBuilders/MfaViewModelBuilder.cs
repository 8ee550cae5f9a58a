using System.Security.Claims;
using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Accounts;
using FraudWeb.ViewModels.Account;
using QRCoder;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The two-step sign-in page: the enrolment from <see cref="MfaService"/> with its QR code drawn here.</summary>
public sealed class MfaViewModelBuilder(MfaService mfa)
{
    public async Task<Result<MfaViewModel>> BuildAsync(ClaimsPrincipal principal, EnableMfaViewModel? form = null)
    {
        var enrolment = await mfa.GetEnrolmentAsync(principal.FindUserId(), principal.GetPermissions());
        if (!enrolment.Succeeded) return Result.Fail<MfaViewModel>(enrolment.Errors[0].Code, enrolment.Errors[0].Message);
        var value = enrolment.Value!;
        return Result.Success(new MfaViewModel
        {
            Enabled = value.Enabled,
            Required = value.MfaRequired,
            SharedKey = value.Enabled ? "" : value.SharedKey,
            QrCodeDataUri = value.Enabled ? "" : QrDataUri(value.AuthenticatorUri),
            RecoveryCodesLeft = value.RecoveryCodesLeft,
            Form = form ?? new EnableMfaViewModel(),
        });
    }

    private static string QrDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.Q);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
