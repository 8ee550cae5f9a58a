namespace FraudWeb.Services.Email;

/// <summary>Sends mail to users (password resets). The default writes .eml files to a pickup folder.</summary>
public interface IEmailSender
{
    /// <exception cref="MailNotSentException">The message could not be handed on; nothing was sent.</exception>
    Task SendEmailAsync(string recipient, string subject, string htmlBody, CancellationToken cancellationToken = default);
}
