// Atelier: stylise every image of a folder with one style image; results are saved as PNG.
//
// Headless (Fiji):  ImageJ-linux64 --headless -macro batch-folder.ijm \
//     "input=[/path/to/photos] style=[/path/to/style.png] output=[/path/to/results]"
// Optional argument keys: strategy (default latent-stats) and options (strategy parameters and seed,
// e.g. options=[autoencoder=taesd method=wct strength=0.8 seed=7]).
// Interactive: run it without an argument and pick the folders and the style image.

args = getArgument();
input = argument(args, "input", "");
style = argument(args, "style", "");
output = argument(args, "output", "");
strategy = argument(args, "strategy", "latent-stats");
extra = argument(args, "options", "");

if (input == "") input = getDirectory("Folder of content images");
if (style == "") style = File.openDialog("Style image");
if (output == "") output = getDirectory("Folder for the results");
if (!endsWith(input, File.separator)) input = input + File.separator;
if (!endsWith(output, File.separator)) output = output + File.separator;
if (!File.isDirectory(output)) File.makeDirectory(output);

setBatchMode(true);
files = getFileList(input);
done = 0;
for (i = 0; i < files.length; i++) {
    name = files[i];
    if (!isImageFile(name)) continue;
    open(input + name);
    contentId = getImageID();
    run("Style Transfer...", "style=[" + style + "] strategy=" + strategy + " " + extra);
    saveAs("PNG", output + File.getNameWithoutExtension(name) + "-" + strategy + ".png");
    close();
    selectImage(contentId);
    close();
    done++;
}
setBatchMode(false);
print("Atelier: stylised " + done + " image(s) into " + output);

function isImageFile(name) {
    // one test per extension: a chain of || over several lines is not evaluated as expected by the macro interpreter
    lower = toLowerCase(name);
    extensions = newArray(".png", ".tif", ".tiff", ".jpg", ".jpeg", ".gif", ".bmp");
    for (k = 0; k < extensions.length; k++) {
        if (endsWith(lower, extensions[k])) return true;
    }
    return false;
}

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
