// Virtdeck's page behaviour: confirmations before destructive actions, and live rows from server-sent events.
// Loaded as a file (the Content-Security-Policy forbids inline scripts).
(function () {
  'use strict';

  // Forms marked data-confirm ask once, naming the object and what will be lost.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute('data-confirm');
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

  // htmx requests that change state carry the CSRF token from the page's meta tags.
  document.addEventListener('htmx:configRequest', function (event) {
    var token = document.querySelector('meta[name="_csrf"]');
    var header = document.querySelector('meta[name="_csrf_header"]');
    if (token && header && token.content) {
      event.detail.headers[header.content] = token.content;
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
  }

  document.addEventListener('DOMContentLoaded', connect);
})();
