using Microsoft.Playwright;

namespace Trailmap.Web.Tests.Browser;

/// <summary>Driving the workspace's CodeMirror editor (the journey editor and the review editor of a proposed journey) as a user does.</summary>
internal static class CodeMirrorEditor
{
    /// <summary>Replaces the editor's whole text, as a paste does, and leaves the cursor at its end.</summary>
    internal static async Task SetTextAsync(IPage page, string text)
    {
        await page.ClickAsync(".cm-content");
        await page.Keyboard.PressAsync("Control+a");
        await page.Keyboard.InsertTextAsync(text);
        await page.Keyboard.PressAsync("Control+End");
    }

    /// <summary>
    /// Accepts the selected completion with Enter. CodeMirror takes Enter as a new line for 75 ms after the list
    /// changes (so a fast typist's Enter is not swallowed), so the test waits past that first.
    /// </summary>
    internal static async Task AcceptAsync(IPage page)
    {
        await page.WaitForTimeoutAsync(300);
        await page.Keyboard.PressAsync("Enter");
    }

    internal static async Task<string[]> LinesAsync(IPage page) =>
        await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.cm-content .cm-line')].map(l => l.textContent)");

    /// <summary>The 1-based editor line the first element matching <paramref name="selector"/> sits on, by its position on screen.</summary>
    internal static async Task<int> LineOfAsync(IPage page, string selector) =>
        await page.EvaluateAsync<int>(
            """
            (selector) => {
              const box = document.querySelector(selector).getBoundingClientRect();
              const middle = box.top + box.height / 2;
              const lines = [...document.querySelectorAll('.cm-content .cm-line')];
              return lines.findIndex(l => { const r = l.getBoundingClientRect(); return r.top <= middle && middle < r.bottom; }) + 1;
            }
            """,
            selector);
}
