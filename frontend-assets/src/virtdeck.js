// Virtdeck's page behaviour: confirmations before destructive actions, live rows from server-sent events, and
// volume uploads with a progress bar.
// Loaded as a file (the Content-Security-Policy forbids inline scripts).
(function () {
  'use strict';

  // Forms, or the buttons of a form (a guest's power buttons), marked data-confirm ask once, naming the object and
  // what will be lost.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // A power button in the guest list comes back to the list as it was shown: same filters, sort and page.
    var back = form.querySelector('input[name="returnTo"]');
    if (back && back.value === '/guests' && window.location.pathname === '/guests') {
      back.value = '/guests' + window.location.search.replace(/\+/g, '%20');
    }
  }, true);

  // The guest list's "all on this page" box ticks or clears every row's box, so that the selection shows.
  document.addEventListener('change', function (event) {
    var box = event.target;
    if (box.hasAttribute && box.hasAttribute('data-select-page')) {
      document.querySelectorAll('input[name="guestIds"][form="' + box.getAttribute('form') + '"]')
          .forEach(function (row) { row.checked = box.checked; });
    }
  });

  // htmx requests that change state carry the CSRF token from the page's meta tags.
  function csrf() {
    var token = document.querySelector('meta[name="_csrf"]');
    var header = document.querySelector('meta[name="_csrf_header"]');
    return token && header && token.content ? { header: header.content, token: token.content } : null;
  }

  document.addEventListener('htmx:configRequest', function (event) {
    var found = csrf();
    if (found) {
      event.detail.headers[found.header] = found.token;
    }
  });

  function mib(bytes) {
    return (bytes / 1048576).toFixed(1) + ' MiB';
  }

  // A volume upload sends the chosen file itself as the body of a PUT (no multipart: the server streams it into
  // the volume). The bar follows the browser's sending and reaches 100% when the server's task has ended.
  function upload(form) {
    var file = form.querySelector('input[type="file"]').files[0];
    if (!file) {
      return;
    }
    var nameField = form.querySelector('[name="name"]');
    var formatField = form.querySelector('[name="format"]');
    var name = (nameField && nameField.value) || file.name;
    // data-upload-path completes the URL: {name} and {format} from the form
    var path = (form.getAttribute('data-upload-path') || '').replace('{name}', encodeURIComponent(name))
        .replace('{format}', formatField ? encodeURIComponent(formatField.value) : '');
    var box = form.querySelector('[data-upload-progress]');
    var bar = box.querySelector('progress');
    var status = box.querySelector('[data-upload-status]');
    var cancel = form.querySelector('[data-upload-cancel]');
    var submit = form.querySelector('button[type="submit"]');
    var request = new XMLHttpRequest();
    function settle(state, text) {
      form.setAttribute('data-upload-state', state);
      status.textContent = text;
      cancel.hidden = true;
      submit.disabled = false;
      box.querySelector('[data-upload-refresh]').hidden = state !== 'done';
    }
    request.open('PUT', form.getAttribute('data-upload') + path);
    var found = csrf();
    if (found) {
      request.setRequestHeader(found.header, found.token);
    }
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.upload.addEventListener('progress', function (event) {
      if (event.lengthComputable) {
        bar.value = Math.floor(event.loaded * 99 / event.total); // 100 is the task's end, not the last byte sent
        status.textContent = 'Sending ' + name + ': ' + mib(event.loaded) + ' of ' + mib(event.total);
      }
    });
    request.upload.addEventListener('load', function () {
      status.textContent = 'Sent; waiting for the host to finish writing ' + name + '.';
    });
    request.addEventListener('load', function () {
      var answer = {};
      try {
        answer = JSON.parse(request.responseText);
      } catch (e) {
        answer = { message: 'The server answered ' + request.status + '.' };
      }
      if (request.status === 200 || request.status === 201) {
        bar.value = 100;
        // a staged import goes on to its facts page
        var next = form.getAttribute('data-upload-next');
        if (next && answer.id) {
          settle('done', 'Received ' + name + '; showing what it holds…');
          window.location.assign(next + encodeURIComponent(answer.id));
          return;
        }
        settle('done', answer.message || 'Uploaded.');
      } else {
        settle('failed', 'Not uploaded: ' + (answer.message || ('the server answered ' + request.status + '.')));
      }
    });
    request.addEventListener('error', function () {
      settle('failed', 'Not uploaded: the connection to Virtdeck broke.');
    });
    request.addEventListener('abort', function () {
      settle('cancelled', 'Upload cancelled; nothing of it is kept.');
    });
    cancel.onclick = function () {
      request.abort();
    };
    form.setAttribute('data-upload-state', 'sending');
    bar.value = 0;
    box.hidden = false;
    cancel.hidden = false;
    submit.disabled = true;
    status.textContent = 'Sending ' + name + '…';
    request.send(file);
  }

  document.addEventListener('submit', function (event) {
    if (event.target.hasAttribute('data-upload')) {
      event.preventDefault();
      upload(event.target);
    }
  });

  function swap(url, target) {
    if (window.htmx) {
      window.htmx.ajax('GET', url, { target: target, swap: 'outerHTML' });
    }
  }

  function onGuestChanged(data) {
    var row = document.getElementById('guest-' + data.id);
    if (row) {
      if (data.removed) {
        row.classList.add('removed');
      } else {
        swap('/guests/' + data.id + '/row', '#guest-' + data.id);
      }
    }
    var header = document.querySelector('[data-guest-header="' + data.id + '"]');
    if (header && !data.removed) {
      swap('/guests/' + data.id + '/header', '#guest-header');
    }
  }

  function connect() {
    if (!window.EventSource || !document.querySelector('[data-live], [data-guest-header]')) {
      return;
    }
    var source = new EventSource('/events');
    source.addEventListener('ready', function () {
      document.body.setAttribute('data-live-ready', 'true');
    });
    source.addEventListener('guest', function (event) {
      onGuestChanged(JSON.parse(event.data));
    });
    source.addEventListener('error', function () {
      // the browser retries a dropped stream by itself, but not a refused one (503 while the database is away)
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 5000);
      }
    });
  }

  document.addEventListener('DOMContentLoaded', connect);
})();
