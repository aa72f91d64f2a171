// Atelier: stylise one image with one style image.
//
// Interactive: open the content image, run this macro, pick the style image when asked.
// Headless (Fiji):  ImageJ-linux64 --headless -macro style-transfer.ijm \
//     "content=[/path/to/astronaut.png] style=[/path/to/ihc.png] output=[/path/to/out.png]"
// Optional argument keys: strategy (default latent-stats) and options (extra strategy parameters,
// e.g. options=[autoencoder=taesd method=wct strength=0.8 seed=7]).

args = getArgument();
content = argument(args, "content", "");
style = argument(args, "style", "");
output = argument(args, "output", "");
strategy = argument(args, "strategy", "latent-stats");
extra = argument(args, "options", "");

if (content != "") open(content);
if (nImages == 0) exit("Open the content image first, or pass content=[path]");
if (style == "") style = File.openDialog("Choose the style image");

run("Style Transfer...", "style=[" + style + "] strategy=" + strategy + " " + extra);

if (output != "") saveAs("PNG", output);

// Reads key=value or key=[value with spaces] from the macro argument.
function argument(text, key, fallback) {
    text = " " + text;
    i = indexOf(text, " " + key + "=");
    if (i < 0) return fallback;
    start = i + lengthOf(key) + 2;
    if (substring(text, start, start + 1) == "[") {
        end = indexOf(text, "]", start);
        return substring(text, start + 1, end);
    }
    end = indexOf(text, " ", start);
    if (end < 0) end = lengthOf(text);
    return substring(text, start, end);
}
