using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace FraudWeb.Infrastructure.Rendering;

/// <summary>Paths of the app's own scripts and stylesheets with their content's version, for views.</summary>
public static class VersionedUrls
{
    /// <summary>
    /// The file's path under the app's path base with <c>?v=</c> and its content hash: what <c>asp-append-version</c>
    /// writes, through the same cached <see cref="IFileVersionProvider"/>, without a tag helper (its context, output and
    /// attribute lists) for every element of every page (perf, issue 17).
    /// </summary>
    public static string Versioned(this IUrlHelper url, string contentPath)
    {
        ArgumentNullException.ThrowIfNull(url);
        var request = url.ActionContext.HttpContext.Request;
        var versions = request.HttpContext.RequestServices.GetRequiredService<IFileVersionProvider>();
        return versions.AddFileVersionToPath(request.PathBase, url.Content(contentPath));
    }
}
