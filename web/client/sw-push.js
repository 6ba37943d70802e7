// Web push in the service worker: a reminder becomes a notification, and a click on it opens
// the homework. Loaded by sw.js with importScripts.
